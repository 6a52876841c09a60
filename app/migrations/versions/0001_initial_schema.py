"""0001 (2026-11-24): Initial schema."""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import app.models

revision = "0001"
down_revision = None


def upgrade():
    op.create_table('company',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('dossierstatus',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label_nl', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('in_progress', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('outgoingmail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('locked_until', app.models.UTCDateTime(), nullable=True),
    sa.Column('sent_at', app.models.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outgoingmail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoingmail_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoingmail_sent_at'), ['sent_at'], unique=False)

    op.create_table('throttleevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('at', app.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('throttleevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttleevent_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_throttleevent_key'), ['key'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('is_company_main', sa.Boolean(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('first_login_at', app.models.UTCDateTime(), nullable=True),
    sa.Column('last_login_at', app.models.UTCDateTime(), nullable=True),
    sa.Column('password_changed_at', app.models.UTCDateTime(), nullable=True),
    sa.Column('notify_documents', sa.Boolean(), nullable=False),
    sa.Column('notify_questionnaires', sa.Boolean(), nullable=False),
    sa.Column('notify_messages', sa.Boolean(), nullable=False),
    sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('totp_enabled', sa.Boolean(), nullable=False),
    sa.Column('totp_last_step', sa.Integer(), nullable=False),
    sa.Column('sms_phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('sms_enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_email'), ['email'], unique=True)

    op.create_table('delegation',
    sa.Column('lawyer_id', sa.Integer(), nullable=False),
    sa.Column('secretary_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lawyer_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['secretary_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lawyer_id', 'secretary_id')
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('lawyer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lawyer_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['status_code'], ['dossierstatus.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_lawyer_id'), ['lawyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_number'), ['number'], unique=True)
        batch_op.create_index(batch_op.f('ix_dossier_status_code'), ['status_code'], unique=False)

    op.create_table('loginsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginsession_user_id'), ['user_id'], unique=False)

    op.create_table('onetimetoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('used_at', app.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('onetimetoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onetimetoken_user_id'), ['user_id'], unique=False)

    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('recoverycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('used_at', app.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recoverycode_user_id'), ['user_id'], unique=False)

    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', app.models.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('storage_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', app.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('storage_key')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossierclient',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', 'user_id')
    )
    with op.batch_alter_table('dossierclient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossierclient_user_id'), ['user_id'], unique=False)

    op.create_table('dossiercompany',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', 'company_id')
    )
    with op.batch_alter_table('dossiercompany', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiercompany_company_id'), ['company_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('from_client', sa.Boolean(), nullable=False),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('sent_at', app.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['reply_to_id'], ['message.id'], ),
    sa.ForeignKeyConstraint(['sender_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_sent_at'), ['sent_at'], unique=False)

    op.create_table('progressstep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_nl', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('done_at', app.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('progressstep', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progressstep_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('questionnaireversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('questionnaire_id', 'version')
    )
    with op.batch_alter_table('questionnaireversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaireversion_questionnaire_id'), ['questionnaire_id'], unique=False)

    op.create_table('documentdownload',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('last_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'user_id')
    )
    with op.batch_alter_table('documentdownload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documentdownload_user_id'), ['user_id'], unique=False)

    op.create_table('messageattachment',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'document_id')
    )
    op.create_table('messageread',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'user_id')
    )
    with op.batch_alter_table('messageread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messageread_user_id'), ['user_id'], unique=False)

    op.create_table('questionnaireassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.UTCDateTime(), nullable=False),
    sa.Column('completed_at', app.models.UTCDateTime(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['questionnaireversion.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('questionnaireassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaireassignment_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaireassignment_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaireassignment_version_id'), ['version_id'], unique=False)

    op.create_table('questionnaireanswer',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('saved_at', app.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['questionnaireassignment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assignment_id', 'step')
    )


def downgrade():
    op.drop_table('questionnaireanswer')
    with op.batch_alter_table('questionnaireassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaireassignment_version_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaireassignment_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_questionnaireassignment_client_id'))

    op.drop_table('questionnaireassignment')
    with op.batch_alter_table('messageread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messageread_user_id'))

    op.drop_table('messageread')
    op.drop_table('messageattachment')
    with op.batch_alter_table('documentdownload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documentdownload_user_id'))

    op.drop_table('documentdownload')
    with op.batch_alter_table('questionnaireversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaireversion_questionnaire_id'))

    op.drop_table('questionnaireversion')
    with op.batch_alter_table('progressstep', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progressstep_dossier_id'))

    op.drop_table('progressstep')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_sent_at'))
        batch_op.drop_index(batch_op.f('ix_message_sender_id'))
        batch_op.drop_index(batch_op.f('ix_message_dossier_id'))

    op.drop_table('message')
    with op.batch_alter_table('dossiercompany', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiercompany_company_id'))

    op.drop_table('dossiercompany')
    with op.batch_alter_table('dossierclient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossierclient_user_id'))

    op.drop_table('dossierclient')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_document_category'))

    op.drop_table('document')
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_auditevent_at'))
        batch_op.drop_index(batch_op.f('ix_auditevent_actor_id'))

    op.drop_table('auditevent')
    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recoverycode_user_id'))

    op.drop_table('recoverycode')
    op.drop_table('questionnaire')
    with op.batch_alter_table('onetimetoken', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onetimetoken_user_id'))

    op.drop_table('onetimetoken')
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginsession_user_id'))

    op.drop_table('loginsession')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_status_code'))
        batch_op.drop_index(batch_op.f('ix_dossier_number'))
        batch_op.drop_index(batch_op.f('ix_dossier_lawyer_id'))

    op.drop_table('dossier')
    op.drop_table('delegation')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_email'))
        batch_op.drop_index(batch_op.f('ix_user_company_id'))

    op.drop_table('user')
    with op.batch_alter_table('throttleevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttleevent_key'))
        batch_op.drop_index(batch_op.f('ix_throttleevent_at'))

    op.drop_table('throttleevent')
    with op.batch_alter_table('outgoingmail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoingmail_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outgoingmail_next_attempt_at'))

    op.drop_table('outgoingmail')
    op.drop_table('dossierstatus')
    op.drop_table('company')
